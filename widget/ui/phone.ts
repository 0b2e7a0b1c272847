/**
 * The phone chunk's entry: number parsing (widget/core/phone.ts, with
 * libphonenumber-js) and the dial-code picker of phone questions. The composer
 * imports it when a phone question is shown; the actions use its `parsePhone`.
 */
export * from '../core/phone'
export { PhoneCountry } from './PhoneCountry'
