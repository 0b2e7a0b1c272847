// @ts-check
/**
 * Builds the embed tag of the platform docs (docs/platform-api.md) from
 * the query string, with DOM APIs only (no innerHTML):
 *
 *   <script id="Reekolect-messenger-widget" src="/Reekolect.js" data-api-url="/"
 *           data-token="demo-token" defer>BotId,CustomerId</script>
 *
 * `document.currentScript` may be null for an inserted script, so the tag keeps the
 * documented id: the loader falls back to `script[id$="-messenger-widget"]`.
 */
const query = new URLSearchParams(location.search)
const tag = document.createElement('script')
tag.id = 'Reekolect-messenger-widget'
tag.src = '/Reekolect.js'
// ?api=<url>: another API origin (data-api-url), e.g. http://localhost:<port>/ for cross-origin tests.
tag.dataset.apiUrl = query.get('api') ?? '/'
tag.dataset.token = query.get('token') ?? 'demo-token'
tag.defer = true
const locale = query.get('locale')
if (locale) tag.dataset.locale = locale
// ?config=<url>: the bot configuration document to use (data-config-url).
const config = query.get('config')
if (config) tag.dataset.configUrl = config
// ?retention=<days>: how long visitor records stay in the browser (data-retention-days).
const retention = query.get('retention')
if (retention !== null) tag.dataset.retentionDays = retention
tag.textContent = `${query.get('bot') ?? ''},${query.get('customer') ?? ''}`
document.body.append(tag)
