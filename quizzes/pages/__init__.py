"""What the book's pages use: bank Markdown as safe HTML, citations, widget payloads, chapter HTML."""
