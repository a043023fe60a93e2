"""Static CSS and JavaScript for the web UI (no document text ever goes in here)."""

from __future__ import annotations

CITE_TARGET_ID = "gw-cite-target"
CITE_BUTTON_ID = "gw-cite-go"

CSS = """
.gw-answer a.gw-marker, a.gw-marker { text-decoration: none; font-weight: 600;
  color: var(--color-accent); padding: 0 1px; cursor: pointer; }
.gw-refusal { border-left: 4px solid #b45309; background: rgba(245, 158, 11, 0.12);
  padding: 6px 10px; border-radius: 4px; font-style: italic; }
.gw-error { border-left: 4px solid #b91c1c; background: rgba(239, 68, 68, 0.12);
  padding: 6px 10px; border-radius: 4px; }
.gw-notice { margin-top: 6px; border-left: 4px solid #2563eb;
  background: rgba(59, 130, 246, 0.10); padding: 4px 8px; font-size: 0.9em; }
.gw-draft { opacity: 0.75; }
.gw-cards { margin-top: 8px; font-size: 0.88em; line-height: 1.6; }
a.gw-card { display: inline-block; text-decoration: none; color: inherit; cursor: pointer;
  border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 2px 8px;
  margin: 2px 0; }
a.gw-card:hover { border-color: var(--color-accent); }
.gw-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin-bottom: 8px; }
.gw-source-head { font-weight: 600; font-size: 0.9em; margin-bottom: 4px; }
.gw-source-body { line-height: 1.55; white-space: pre-wrap; }
.gw-doc-text { white-space: pre-wrap; line-height: 1.55; font-size: 0.95em; max-height: 440px;
  overflow-y: auto; border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; position: relative; }
mark { background: #fde047; color: #111; padding: 0 1px; border-radius: 2px; }
.gw-muted { opacity: 0.7; }
.gw-details blockquote { margin: 4px 0 10px; padding-left: 8px; font-size: 0.9em;
  border-left: 3px solid var(--border-color-primary); }
"""

# Citation links inside the chat cannot carry scripts (they are sanitised), so one page-level
# listener turns a click on any ``#cite-<turn>-<n>`` link into a hidden button press.
PAGE_JS = f"""
() => {{
  if (window.__gwCiteListener) return;
  window.__gwCiteListener = true;
  document.addEventListener('click', (event) => {{
    const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#{CITE_TARGET_ID} textarea, #{CITE_TARGET_ID} input');
    const button = document.getElementById('{CITE_BUTTON_ID}');
    if (!box || !button) return;
    box.value = link.getAttribute('href').slice('#cite-'.length);
    box.dispatchEvent(new Event('input', {{ bubbles: true }}));
    setTimeout(() => button.click(), 30);
  }}, true);
}}
"""

# Runs in the document panel each time its value changes: bring the highlighted span into view.
SCROLL_TO_MARK_JS = """
watch('value', () => {
  const mark = element.querySelector('#gw-mark');
  const box = element.querySelector('.gw-doc-text');
  if (!mark || !box) return;
  box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
});
"""
