export { EXIT, type ExecOptions, exec } from './cli.js';
export type { IoHost, ProgressBar } from './io/ioHost.js';
export { RecordingIoHost } from './io/ioHost.js';
