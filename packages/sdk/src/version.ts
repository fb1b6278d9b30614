/** Sent as `$lib_version`; kept equal to package.json by a test. */
export const LIB_VERSION = '0.1.0';
export const LIB_NAME = 'sightline-js';
