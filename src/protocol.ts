/**
 * The typed messages between the extension host and the playground webview: the shapes they carry
 * (shapes.ts), the messages (messages.ts), requests with replies (requests.ts) and how numbers
 * travel (wire.ts). Each is declared once; types and validators are derived from the declarations.
 */
export * from './protocol/wire';
export * from './protocol/shapes';
export * from './protocol/experimentFile';
export * from './protocol/requests';
export * from './protocol/messages';
