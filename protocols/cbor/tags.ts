/** CBOR tag numbers piwheels 0.18 uses (protocols/README.md §1.2). */
export const TAG_DATETIME_STRING = 0;
export const TAG_DATETIME_EPOCH = 1;
export const TAG_BIGNUM_POSITIVE = 2;
export const TAG_BIGNUM_NEGATIVE = 3;
export const TAG_SET = 258;
export const TAG_TIMEDELTA = 2001;
export const TAG_NO_DATA = 2002;
