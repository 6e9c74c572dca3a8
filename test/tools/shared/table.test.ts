/** tools/shared/table.ts: the one table renderer of tools/ (bench, cost, validate). */
import { renderSections, renderTable } from '../../../tools/shared/table';

describe('renderTable', () => {
  test('pads columns and right-aligns numeric columns', () => {
    const out = renderTable(['name', 'time'], [
      ['a', '1.00 s'],
      ['longer', '12.50 s'],
    ]);
    expect(out.split('\n')).toEqual(['name    time', '------  -------', 'a        1.00 s', 'longer  12.50 s']);
  });

  test('leaves mixed columns left-aligned', () => {
    const out = renderTable(['k', 'v'], [
      ['a', '1'],
      ['b', '1 / 2, 0'],
    ]);
    expect(out.split('\n')[2]).toBe('a  1');
  });

  test('sections: title, table, indented notes, blank line between', () => {
    expect(renderSections([{ title: 'T', headers: ['a'], rows: [['x']], notes: ['n'] }, { title: 'U', headers: ['b'], rows: [] }])).toBe('T\na\n-\nx\n  n\n\nU\nb\n-');
  });
});
