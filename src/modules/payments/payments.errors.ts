// The payments module's error catalogue: services throw these, the one error handler renders them.
import { defineError } from '../../platform/http/errors.js';

export const PaymentsNotConfigured = defineError(
  'payments-not-configured',
  503,
  'Online payments are not configured on this server',
);
export const PaymentProviderUnavailable = defineError(
  'payment-provider-unavailable',
  503,
  'The payment provider is unavailable',
);
export const PaymentProviderRejected = defineError(
  'payment-provider-rejected',
  502,
  'The payment provider rejected the request',
);
export const InvalidWebhookSignature = defineError(
  'invalid-webhook-signature',
  400,
  'The webhook signature is missing or invalid',
);
export const PaymentNotFound = defineError('payment-not-found', 404, 'Payment not found');
export const AppointmentNotPayable = defineError(
  'appointment-not-payable',
  409,
  'The appointment cannot be paid in its status',
);
export const NothingToPay = defineError('nothing-to-pay', 409, 'Nothing is left to pay');
export const NoDepositDue = defineError('no-deposit-due', 422, 'The appointment has no deposit to pay');
export const PaymentNotRefundable = defineError(
  'payment-not-refundable',
  409,
  'Only a succeeded payment can be refunded',
);
export const RefundExceedsRemaining = defineError(
  'refund-exceeds-remaining',
  409,
  'The refund exceeds what remains of the payment',
);
export const GiftCertificateNotFound = defineError(
  'gift-certificate-not-found',
  404,
  'Gift certificate not found',
);
export const GiftCertificateUnusable = defineError(
  'gift-certificate-unusable',
  422,
  'The gift certificate is expired, empty or in another currency',
);
export const ConnectAccountRequired = defineError(
  'connect-account-required',
  422,
  'The barber has no active Stripe Connect account',
);
export const PayoutBelowMinimum = defineError(
  'payout-below-minimum',
  422,
  'The unpaid share is below the payout minimum',
);
