/**
 * The playground (demo/index.html): the bot configuration editor (and its FAQ editor), the live
 * preview in an iframe, the embed snippet, the JavaScript API's commands and event
 * log, the lead API's fault modes, the inbox and the agent console, for the bot `?bot=&customer=`
 * (default demo-bot, demo-customer). Each part is a module of demo/playground/.
 * DOM is built with createElement and textContent only: no HTML strings.
 */
import { startConsole } from './playground/console'
import { $ } from './playground/dom'
import { startEditor } from './playground/editor'
import { startFaq } from './playground/faq'
import { startFaults } from './playground/faults'
import { BOT, CUSTOMER } from './playground/ids'
import { startInbox } from './playground/inbox'
import { createLog } from './playground/log'
import { startPreview } from './playground/preview'
import { startSnippet } from './playground/snippet'

$('bot-id').textContent = BOT
$('customer-id').textContent = CUSTOMER
$('landing', HTMLAnchorElement).href =
  `/page/${encodeURIComponent(BOT)}/${encodeURIComponent(CUSTOMER)}`

const log = createLog()
const preview = startPreview(log)
startSnippet()
startInbox()
startConsole()
startFaq()
void startFaults(log)
void startEditor({
  log: log.add,
  onDocument: preview.setDocument,
  onApplied: preview.restart,
})
