// The control relations of a protocol's contest (DOMAIN.md, "Voting, counting
// and results"; the server's own are cgi/rules/protocol.c), for the pages that
// show them (a station's results, the protocol's entry): [key, ok] pairs for
// figures {voters, received, issued, cancelled, in_boxes, invalid, valid,
// against_all (a count), votes: [...], preferences: [[...], ...] or absent}.
export function relations(f) {
  const sum = f.votes.reduce((a, b) => a + b, 0) + f.against_all;
  const out = [
    ['received', f.received === f.issued + f.cancelled],
    ['boxes', f.in_boxes === f.valid + f.invalid],
    ['valid', f.valid === sum],
    ['order', f.in_boxes <= f.issued && f.issued <= f.voters],
  ];
  if (f.preferences) out.push(['preferences', f.preferences.every((p, k) => p.reduce((a, b) => a + b, 0) <= f.votes[k])]);
  return out;
}
