export { selfSignedCertificate } from '../services/extension/src/validate/self-signed-certificate.js';
