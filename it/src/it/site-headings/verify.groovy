// Every heading of every page in src-site must be a heading of the built page: in Velocity pages (.md.vm) a line
// starting with ## is a comment, so a heading written that way silently disappears.
def sources = new File(basedir, '../../../../src-site/markdown').canonicalFile
def site = new File(basedir, 'target/site')
// Text as a reader sees it: tags and markup gone, entities decoded, typographic quotes as typed
def plain = { String text ->
    text.replaceAll('<[^>]+>', '').replaceAll('[`*]', '')
            .replaceAll(/&#x([0-9a-fA-F]+);/) { all, hex -> new String(Character.toChars(Integer.parseInt(hex, 16))) }
            .replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"')
            .replace('\u201c', '"').replace('\u201d', '"').replace('\u2018', "'").replace('\u2019', "'")
            .trim()
}
def HEADING = java.util.regex.Pattern.compile('^(#{1,6}|(\\$H){1,6}) (.+)$')
def checked = 0
sources.eachFileRecurse { File page ->
    if (!(page.name.endsWith('.md') || page.name.endsWith('.md.vm'))) {
        return
    }
    def relative = sources.toPath().relativize(page.toPath()).toString().replaceAll(/\.md(\.vm)?$/, '.html')
    def html = new File(site, relative)
    assert html.isFile() : "no ${relative} built from ${page}"
    def built = (html.text =~ /(?s)<h([1-6])[^>]*>(.*?)<\/h\1>/).collect { plain(it[2]) } as Set
    def inFence = false
    page.eachLine { String line ->
        if (line.startsWith('```')) {
            inFence = !inFence
            return
        }
        def heading = inFence ? null : (line =~ HEADING)
        if (heading) {
            def text = plain(heading[0][3])
            assert built.contains(text) : "${relative}: heading '${text}' of ${page.name} is missing from the built page; built: ${built}"
            checked++
        }
    }
}
assert checked > 40 : "only ${checked} headings found in ${sources}"
def index = new File(site, 'index.html').text
['bundle', 'falco-offline:push', 'audit files', 'Mirrors'].each { assert index.contains(it) : "index.html says nothing of ${it}" }
def faq = plain(new File(site, 'faq.html').text)
assert !faq.contains('Does package copy images to the internal registry?No.')
