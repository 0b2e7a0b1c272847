/** Russian for the FAQ (../languages.ts): the Snowball stemmer and stop words, one chunk. */
export { stemmer } from '@orama/stemmers/russian'
export { stopwords } from '@orama/stopwords/russian'
