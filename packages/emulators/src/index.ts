export { type CognitoLocal, type CognitoLocalOptions, startCognitoLocal } from './cognitoLocal.js';
export { type Dynalite, type DynaliteStartOptions, startDynalite } from './dynalite.js';
export {
  createBucket,
  deleteBucket,
  S3RVER_CREDENTIALS,
  type S3rver,
  type S3rverOptions,
  startS3rver,
} from './s3rver.js';
