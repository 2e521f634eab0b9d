// The Okta wire types (okta-api.md): the only thing the client and the emulator share.
export * from './types';
