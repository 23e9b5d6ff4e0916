/**
 * Text that goes into the report's HTML comes from users (strategy names, params, file names): escape it
 * so it is shown, never parsed as markup.
 */

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<img src=x onerror=alert(1)>'); // '&lt;img src=x onerror=alert(1)&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => replacements[character]!);
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` is written as `\u003c` so a
 * value holding `</script>` cannot close the element, and U+2028/U+2029 are escaped for older parsers.
 *
 * @example
 * scriptJson({ name: '</script><script>alert(1)</script>' }); // '{"name":"\\u003c/script>..."}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
