import { parseAbi } from 'viem';

/**
 * What a history walk reads from a Chainlink feed: the proxy's phases (EACAggregatorProxy: `phaseId`,
 * `phaseAggregators`), AggregatorV3Interface, and the aggregators' AnswerUpdated event. Not generated:
 * the project has no Chainlink contract source.
 */
export const chainlinkProxyAbi = parseAbi([
  'function description() view returns (string)',
  'function decimals() view returns (uint8)',
  'function phaseId() view returns (uint16)',
  'function phaseAggregators(uint16 phaseId) view returns (address)',
  'function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
]);

/** The AnswerUpdated event alone, for `getLogs({ event })`. */
export const answerUpdatedEvent = chainlinkProxyAbi.find((item) => item.type === 'event' && item.name === 'AnswerUpdated')!;
