/** The run's progress events are neutral data: they live in the model. */
export type { ProgressEvent, ProgressListener } from '../model/progress.js';
