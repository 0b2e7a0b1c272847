// Records every CSP violation on the page in window.violations, for the e2e spec.
window.violations = []
document.addEventListener('securitypolicyviolation', (e) => {
  window.violations.push(`${e.violatedDirective} ${e.blockedURI}`)
})
