/** The media type in every receipt's header; verifiers reject any other, so other JWTs from the same key cannot pass as receipts. */
export const RECEIPT_TYP = 'psea-receipt+jwt';
