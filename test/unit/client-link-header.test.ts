import { nextLink, parseLinkHeader } from '../../src/client/http/link-header';

describe('parseLinkHeader', () => {
  it('reads separate headers (Okta style)', () => {
    const links = parseLinkHeader([
      '<https://acme.okta.com/api/v1/logs?limit=20>; rel="self"',
      '<https://acme.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel="next"',
    ]);
    expect(links.map((l) => [l.rel, l.url])).toEqual([
      [['self'], 'https://acme.okta.com/api/v1/logs?limit=20'],
      [['next'], 'https://acme.okta.com/api/v1/logs?limit=20&after=1627500044869_1'],
    ]);
  });

  it('reads comma-joined links, commas inside URLs and quoted params included', () => {
    const v =
      '<https://a.example/x?filter=a,b>; rel="self"; title="x, y", <https://a.example/x?after=c%2Cd>; rel=next';
    expect(nextLink(v)).toBe('https://a.example/x?after=c%2Cd');
    expect(parseLinkHeader(v)[0]).toMatchObject({
      url: 'https://a.example/x?filter=a,b',
      params: { rel: 'self', title: 'x, y' },
    });
  });

  it('handles several rel values, case and whitespace', () => {
    expect(nextLink('<https://a/p2> ;  REL="prev NEXT"')).toBe('https://a/p2');
  });

  it('has no next on the last page or without a header', () => {
    expect(nextLink('<https://a/p1>; rel="self"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
    expect(parseLinkHeader('garbage')).toEqual([]);
  });
});
