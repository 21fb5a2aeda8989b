/// The report's stylesheet, inlined so report.html needs nothing else. Written without `<` and
/// `&` so the page stays well-formed XML. Print rules put each patient on a new page and keep
/// figures and tables whole.
enum ReportStyle {
    static let css = """
    :root { --ink: #1d2733; --muted: #5b6672; --line: #d9dee4; --soft: #f4f6f8;
            --increase: #D55E00; --decrease: #0072B2; --nochange: #7A7A7A; --insufficient: #BDBDBD; }
    * { box-sizing: border-box; }
    html { background: #fff; }
    body { margin: 0; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
           "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
    main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
    h3 { font-size: 15px; margin: 18px 0 6px; }
    p { margin: 6px 0 10px; }
    a { color: #0b5cad; }
    code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
    .hash { word-break: break-all; }
    .muted { color: var(--muted); }
    .report-head { border-bottom: 3px solid var(--ink); padding-bottom: 10px; }
    .report-head .meta { color: var(--muted); font-size: 13px; }
    .ruo { margin: 14px 0; padding: 10px 14px; border: 2px solid #b00020; border-radius: 6px;
           background: #fff4f5; color: #6d0014; font-weight: 600; }
    .ruo strong { text-transform: uppercase; letter-spacing: .04em; margin-right: 6px; }
    nav.toc { font-size: 13px; margin: 10px 0 0; }
    nav.toc a { margin-right: 14px; white-space: nowrap; }
    nav.toc .patients a { margin-right: 8px; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 10px 0 14px; }
    .card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--soft); }
    .card .value { display: block; font-size: 26px; font-weight: 700; line-height: 1.1; }
    .card .label { display: block; color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
    .card .detail { display: block; color: var(--muted); font-size: 12px; margin-top: 2px; }
    .card.alert { border-color: #b00020; background: #fff4f5; }
    .card.alert .value { color: #b00020; }
    .legend { font-size: 12px; color: var(--muted); }
    .legend-item { margin-right: 16px; white-space: nowrap; }
    .counts { display: flex; flex-wrap: wrap; gap: 24px; }
    .counts table { width: auto; min-width: 240px; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 14px; }
    th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
    thead th { background: var(--soft); font-weight: 600; border-bottom: 2px solid #c3cad2; }
    td.nowrap { white-space: nowrap; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    tr.main-metric td { font-weight: 600; }
    td.marker { font-weight: 600; background: #fafbfc; }
    .badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600;
             white-space: nowrap; color: #fff; vertical-align: 2px; }
    .g-increase { background: var(--increase); }
    .g-decrease { background: var(--decrease); }
    .g-no_change { background: var(--nochange); }
    .g-insufficient, .g-none { background: #fff; color: var(--ink); border: 1px dashed #8a8a8a; }
    .benefit { background: #fff; color: var(--ink); border: 1px solid var(--ink); }
    .benefit.b-likely { border-color: #1b7f3b; color: #1b7f3b; }
    .benefit.b-unlikely { border-color: #6b7785; color: #4a5561; }
    .benefit.b-indeterminate { border-style: dashed; }
    .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
    .flag { display: inline-block; margin: 1px 3px 1px 0; padding: 0 6px; border: 1px solid #d8a800;
            border-radius: 4px; background: #fff6d6; color: #5f4500; font-size: 12px; white-space: nowrap; }
    .callout { margin: 8px 0 12px; padding: 8px 12px; border-left: 4px solid #8a96a3; background: var(--soft); }
    .callout.warn { border-left-color: #d8a800; background: #fffaeb; }
    .callout.error { border-left-color: #b00020; background: #fff4f5; }
    .callout p { margin: 4px 0; }
    .signal { display: inline-block; margin: 1px 10px 1px 0; white-space: nowrap; }
    .signal.s-gained { color: #1b7f3b; font-weight: 600; }
    .signal.s-not_gained { color: var(--ink); }
    .signal.s-unmeasured { color: var(--muted); font-style: italic; }
    td.alert { color: #b00020; font-weight: 600; }
    .call-line { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
    figure { margin: 8px 0 16px; }
    figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
    svg.plot { display: block; width: 100%; height: auto; }
    svg.waterfall { max-width: 1060px; }
    .plot-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
    .plot-grid svg.plot { max-width: 520px; margin: 0 auto; }
    table.kv th { width: 26%; font-weight: 600; }
    .plot-grid figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
    .plot-grid figcaption { color: var(--ink); font-weight: 600; font-size: 13px; margin: 0 0 4px; }
    .thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; }
    .thumbs figure { margin: 0; }
    .thumbs img { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
    section.patient { margin-top: 36px; padding-top: 4px; border-top: 3px solid var(--ink); }
    section.patient h2 { border-bottom: none; margin-top: 10px; }
    section.patient h2 .badge { margin-left: 8px; }
    footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
    @media print {
      @page { size: A4; margin: 14mm 12mm; }
      body { font-size: 10.5px; }
      main { max-width: none; padding: 0; }
      nav.toc { display: none; }
      h2 { break-after: avoid; page-break-after: avoid; }
      h3 { break-after: avoid; page-break-after: avoid; }
      section.patient { break-before: page; page-break-before: always; border-top: none; margin-top: 0; }
      section.methods, #paired { break-before: page; page-break-before: always; }
      figure, .callout, .cards, .thumbs, tr { break-inside: avoid; page-break-inside: avoid; }
      .badge, .swatch, .flag, .card, .callout, .ruo, thead th, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
