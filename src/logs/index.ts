export { BUILTIN_MASK_KINDS, DEFAULT_MASK_RULES, isUuid, isIpv4, isHex, isPath, isDuration, isNumberedId, isNumber } from './mask-rules.js';
export type { BuiltinMaskKind, MaskRule } from './mask-rules.js';
export { Masker, WILDCARD } from './mask.js';
export { splitWords } from './tokenize.js';
export { generaliseToken, patternValues } from './template-token.js';
export { TemplateMiner, DEFAULT_MINER_CONFIG, MINER_SNAPSHOT_VERSION } from './miner.js';
export type { MinerConfig, MinerSnapshot, MinerSnapshotTemplate, MinerTemplate, TemplateMatch } from './miner.js';
export { parseSessionLines, keySpaceOf, countKeys, countMatrix, trainNgram, trainPca, trainInvariants, DEFAULT_NGRAM_PARAMS, DEFAULT_PCA_PARAMS, DEFAULT_INVARIANT_PARAMS } from './sequence/index.js';
export type { Session, SequenceDetector, NgramParams, PcaParams, Invariant, InvariantParams } from './sequence/index.js';
