import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmailHtml } from './render-html.js';

describe('renderEmailHtml', () => {
  it('escapes the body and turns line breaks into <br>', () => {
    const html = renderEmailHtml('A <b> subject', 'Line <1> & "two"\r\nLine 2\nLine 3', 'zh-CN');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<title>A &lt;b&gt; subject</title>');
    expect(html).toContain('Line &lt;1&gt; &amp; &quot;two&quot;<br>\nLine 2<br>\nLine 3');
  });

  it('never lets body text become markup (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", 'a', '\n', '界') }), (body) => {
        const html = renderEmailHtml('s', body, 'en-US');
        const inner = /<div[^>]*>([\s\S]*)<\/div>/.exec(html)?.[1] ?? '';
        expect(inner.replace(/<br>\n/g, '')).not.toMatch(/[<>"']/);
        expect(
          inner
            .split('<br>\n')
            .map((l) =>
              l.replace(
                /&(lt|gt|quot|#39|amp);/g,
                (_, n: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[n] ?? '',
              ),
            ),
        ).toEqual(body.split('\n'));
      }),
    );
  });

  it('escapeHtml escapes all five specials', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
