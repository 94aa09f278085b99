export { configSchema } from './schema.js';
export type {
  VigilConfig,
  HttpConfig,
  GraphiteConfig,
  HecConfig,
  RemoteWriteConfig,
  OtlpConfig,
  StatsdConfig,
  HecTokenConfig,
  SyslogConfig,
  LogsConfig,
  StorageConfig,
  DetectionConfig,
  DetectorUse,
  DetectionRule,
  AlertsConfig,
  WebhookConfig,
} from './schema.js';
export { loadConfig, ConfigError } from './load.js';
export type { ConfigIssue, ConfigOverrides } from './load.js';
export { ENV_VARIABLES, configFileFromEnv, overridesFromEnv, isCi } from './env.js';
