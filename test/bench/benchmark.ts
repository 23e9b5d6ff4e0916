/** One benchmark of `npm run bench`: returns plain JSON-able figures, with targets alongside. */
export type Benchmark = {
  name: string;
  description: string;
  run(): Promise<Record<string, unknown>>;
};
