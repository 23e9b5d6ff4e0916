/**
 * Training cutoffs (YYYY-MM-DD) of common models, by name prefix; the longest matching prefix wins. A model
 * knows roughly what happened up to its cutoff, so a backtest over an earlier period lets it "remember" the
 * prices it is asked to predict. Dates are the providers' published knowledge cutoffs, rounded to the month.
 *
 * @example
 * trainingCutoffFor('llama3.1:8b', undefined, { ...knownTrainingCutoffs, llama3: '2023-12-01' }); // '2023-12-01'
 */
export const knownTrainingCutoffs: Readonly<Record<string, string>> = {
  'gpt-3.5-turbo': '2021-09-01',
  'gpt-4': '2023-04-01',
  'gpt-4-turbo': '2023-12-01',
  'gpt-4o': '2023-10-01',
  'gpt-4o-mini': '2023-10-01',
  'gpt-4.1': '2024-06-01',
  'gpt-5': '2024-10-01',
  o1: '2023-10-01',
  o3: '2024-06-01',
  'o4-mini': '2024-06-01',
};

export type TrainingCutoffWarningParameters = {
  model: string;
  /** The backtest period, unix seconds. */
  from: number;
  to: number;
  /** The configured cutoff (reasoner.llm.trainingCutoff), YYYY-MM-DD. */
  cutoff?: string | undefined;
  /** Overrides or extends {@link knownTrainingCutoffs}. */
  cutoffs?: Readonly<Record<string, string>> | undefined;
};

/**
 * The model's cutoff to assume: the LATER of the configured date and the known date for the model, since
 * the model may know anything up to its real cutoff and over-warning is cheaper than a backtest that
 * quietly peeks at the future. Undefined when neither is known.
 *
 * @example
 * trainingCutoffFor('gpt-4o-mini-2024-07-18'); // '2023-10-01'
 */
export function trainingCutoffFor(model: string, cutoff?: string, cutoffs: Readonly<Record<string, string>> = knownTrainingCutoffs): string | undefined {
  let known: string | undefined;
  let matched = -1;
  for (const [prefix, date] of Object.entries(cutoffs)) {
    if (model.startsWith(prefix) && prefix.length > matched) {
      known = date;
      matched = prefix.length;
    }
  }
  if (known === undefined) return cutoff;
  if (cutoff === undefined) return known;
  return cutoff > known ? cutoff : known;
}

/**
 * A warning to print when a backtest period starts before the model's training cutoff, or undefined when
 * the whole period lies after it (or the cutoff is unknown).
 *
 * @example
 * trainingCutoffWarning({ model: 'gpt-4o-mini', from: 1_672_531_200, to: 1_704_067_200 });
 * // 'The backtest period 2023-01-01..2024-01-01 starts before gpt-4o-mini's training cutoff (2023-10-01): …'
 */
export function trainingCutoffWarning(parameters: TrainingCutoffWarningParameters): string | undefined {
  const { model, from, to } = parameters;
  const cutoff = trainingCutoffFor(model, parameters.cutoff, parameters.cutoffs ?? knownTrainingCutoffs);
  if (cutoff === undefined) return undefined;
  const cutoffSeconds = Date.parse(`${cutoff}T00:00:00Z`) / 1000;
  if (!(from < cutoffSeconds)) return undefined;
  const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
  const share = to > from ? Math.min(1, (Math.min(to, cutoffSeconds) - from) / (to - from)) : 1;
  return (
    `The backtest period ${day(from)}..${day(to)} starts before ${model}'s training cutoff (${cutoff}): ` +
    `${Math.round(share * 100)} % of it may be in what the model learned, so it may "know" the prices it is asked about. ` +
    'Backtest LLM strategies on data after the cutoff to measure them honestly.'
  );
}
