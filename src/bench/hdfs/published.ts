/**
 * Published F1 on full HDFS, beside our figures: PCA, Invariant Mining and LogClustering from the loglizer study
 * (He et al., ISSRE 2016, "Experience Report: System Log Analysis for Anomaly Detection"); DeepLog from Du et al.,
 * CCS 2017. They used the full data set, so they are context, not a like-for-like comparison.
 */
export const PUBLISHED_HDFS_F1: Readonly<Record<string, number>> = {
  PCA: 0.77,
  'Invariant Mining': 0.92,
  LogClustering: 0.84,
  DeepLog: 0.96,
};

/** Which published method each of ours stands beside. */
export const PUBLISHED_PEER: Readonly<Record<string, string>> = {
  ngram: 'DeepLog',
  pca: 'PCA',
  invariants: 'Invariant Mining',
  deeplog: 'DeepLog',
};
