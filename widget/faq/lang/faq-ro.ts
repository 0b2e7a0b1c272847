/** Romanian for the FAQ (../languages.ts): the Snowball stemmer and stop words, one chunk. */
export { stemmer } from '@orama/stemmers/romanian'
export { stopwords } from '@orama/stopwords/romanian'
