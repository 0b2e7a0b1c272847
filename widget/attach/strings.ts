/**
 * Strings of the attachment tray (widget/attach/), in every language of the core
 * catalogues; they live in the attach chunk. Missing keys fall back to English.
 */
import { catalogue } from '../live/strings'

const en = {
  /** The tray's label: files chosen, on their way or waiting. */
  tray: 'Files to send',
  /** The progress bar's label while a file uploads. */
  uploading: 'Sending {name}',
  /** A failed attempt that is tried again by itself. */
  retrying: 'Couldn’t send it. Trying again…',
  /** Every attempt failed: the Retry button is beside it. */
  failed: 'Not sent.',
  retry: 'Retry',
  /** The button that drops a file from the tray (or stops its upload). */
  remove: 'Remove {name}',
  tooLarge: 'This file is larger than 10 MB.',
  wrongType: 'Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.',
  /** The server refused the file for another reason. */
  refused: 'This file could not be sent.',
}

/** A key of the attachment strings. */
export type AttachKey = keyof typeof en

const all: { en: typeof en } & Record<string, Partial<Record<AttachKey, string>>> = {
  en,
  fr: {
    tray: 'Fichiers à envoyer',
    uploading: 'Envoi de {name}',
    retrying: 'Échec de l’envoi. Nouvel essai…',
    failed: 'Non envoyé.',
    retry: 'Réessayer',
    remove: 'Retirer {name}',
    tooLarge: 'Ce fichier dépasse 10 Mo.',
    wrongType: 'Seules les images (PNG, JPEG, GIF, WebP) et les PDF peuvent être envoyés.',
    refused: 'Ce fichier n’a pas pu être envoyé.',
  },
  de: {
    tray: 'Zu sendende Dateien',
    uploading: '{name} wird gesendet',
    retrying: 'Senden fehlgeschlagen. Neuer Versuch…',
    failed: 'Nicht gesendet.',
    retry: 'Erneut versuchen',
    remove: '{name} entfernen',
    tooLarge: 'Diese Datei ist größer als 10 MB.',
    wrongType: 'Nur Bilder (PNG, JPEG, GIF, WebP) und PDF-Dateien können gesendet werden.',
    refused: 'Diese Datei konnte nicht gesendet werden.',
  },
  es: {
    tray: 'Archivos para enviar',
    uploading: 'Enviando {name}',
    retrying: 'No se pudo enviar. Reintentando…',
    failed: 'No enviado.',
    retry: 'Reintentar',
    remove: 'Quitar {name}',
    tooLarge: 'Este archivo supera los 10 MB.',
    wrongType: 'Solo se pueden enviar imágenes (PNG, JPEG, GIF, WebP) y archivos PDF.',
    refused: 'No se pudo enviar este archivo.',
  },
  pt: {
    tray: 'Ficheiros a enviar',
    uploading: 'A enviar {name}',
    retrying: 'Não foi possível enviar. A tentar de novo…',
    failed: 'Não enviado.',
    retry: 'Tentar de novo',
    remove: 'Remover {name}',
    tooLarge: 'Este ficheiro tem mais de 10 MB.',
    wrongType: 'Só é possível enviar imagens (PNG, JPEG, GIF, WebP) e ficheiros PDF.',
    refused: 'Não foi possível enviar este ficheiro.',
  },
  ar: {
    tray: 'ملفات للإرسال',
    uploading: 'جارٍ إرسال {name}',
    retrying: 'تعذّر الإرسال. جارٍ إعادة المحاولة…',
    failed: 'لم يُرسل.',
    retry: 'إعادة المحاولة',
    remove: 'إزالة {name}',
    tooLarge: 'حجم هذا الملف أكبر من 10 ميغابايت.',
    wrongType: 'يمكن إرسال الصور (PNG وJPEG وGIF وWebP) وملفات PDF فقط.',
    refused: 'تعذّر إرسال هذا الملف.',
  },
  hi: {
    tray: 'भेजने के लिए फ़ाइलें',
    uploading: '{name} भेजी जा रही है',
    retrying: 'भेजा नहीं जा सका। फिर से कोशिश हो रही है…',
    failed: 'नहीं भेजा गया।',
    retry: 'फिर से कोशिश करें',
    remove: '{name} हटाएँ',
    tooLarge: 'यह फ़ाइल 10 MB से बड़ी है।',
    wrongType: 'केवल चित्र (PNG, JPEG, GIF, WebP) और PDF फ़ाइलें भेजी जा सकती हैं।',
    refused: 'यह फ़ाइल भेजी नहीं जा सकी।',
  },
}

/** The attachment string `key` in `locale`'s language (English when missing), `{name}` filled from `vars`. */
export const attachText = catalogue<AttachKey>(all)
