/** Spanish for the FAQ (../languages.ts): the Snowball stemmer and stop words, one chunk. */
export { stemmer } from '@orama/stemmers/spanish'
export { stopwords } from '@orama/stopwords/spanish'
