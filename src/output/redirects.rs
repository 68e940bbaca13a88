//! What aliases produce: a redirect page at each earlier address (its view
//! model; the theme's `redirect.html` renders it) and the `_redirects` file
//! that Netlify and Cloudflare Pages read.

use crate::link::Site;
use crate::output::env::OutputEnv;
use crate::output::view::View;

/// The view of the redirect page of `site.redirects[i]`: the article it
/// leads to, in that article's language.
pub fn redirect_view(env: &OutputEnv, site: &Site, i: usize, mut view: View) -> View {
    let a = &site.articles[site.redirects[i].to];
    view.insert("lang", &a.lang);
    view.insert("dir", env.config.language_dir(&a.lang).as_str());
    view.insert("site_title", &env.site_title(&a.lang));
    view.insert("title", &a.fm.title);
    view.insert("target_url", &env.urls.path(&a.path));
    view.insert("canonical", &env.urls.absolute(&a.path));
    view
}

/// Characters written percent-encoded in `_redirects`: the file's fields are
/// separated by spaces, and a URL path on the wire is ASCII.
const ENCODE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `_redirects`: one `old new 301` line per alias, root-relative with the
/// base path (so that a site under a sub-path redirects its own paths),
/// sorted as written (by the encoded old path; no two aliases share one).
pub fn redirects_file(env: &OutputEnv, site: &Site) -> String {
    let encode = |p: &str| percent_encoding::utf8_percent_encode(p, ENCODE).to_string();
    let mut lines: Vec<String> = site
        .redirects
        .iter()
        .map(|r| {
            let to = &site.articles[r.to].path;
            format!(
                "{} {} 301\n",
                encode(&env.urls.path(&r.path)),
                encode(&env.urls.path(to))
            )
        })
        .collect();
    lines.sort();
    let mut out = String::from(
        "# Written by brief from the articles' `aliases`: earlier address, new address, status.\n",
    );
    out.extend(lines);
    out
}
