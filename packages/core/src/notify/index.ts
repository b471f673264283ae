// Signed webhooks to a tenant's own software: the signature a receiver checks, and one delivery.
export {
  DEFAULT_TIMEOUT_MS,
  type Delivery,
  DeliveryError,
  deliver,
  retryableStatus,
  type Webhook,
} from "./deliver.js";
export { DEFAULT_TOLERANCE_SEC, signature, type VerifyOptions, verifySignature } from "./signature.js";
