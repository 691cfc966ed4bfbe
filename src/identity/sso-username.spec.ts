import { USERNAME_PATTERN } from '../contracts/auth-api.schema.js';
import { usernameFromHint } from './sso-username.js';

describe('usernameFromHint', () => {
  it('makes a valid username from preferred names, e-mails and Vietnamese full names', () => {
    expect(usernameFromHint('nguyen.van.an')).toBe('nguyen.van.an');
    expect(usernameFromHint('An.Nguyen@LamSon.gov.vn')).toBe('an.nguyen');
    expect(usernameFromHint('Đặng Thị Phượng')).toBe('dang-thi-phuong');
    expect(usernameFromHint('__admin__')).toBe('admin');
    expect(usernameFromHint('')).toBe('sso-user');
    expect(usernameFromHint('x')).toBe('sso-x');
    expect(usernameFromHint('!!!')).toBe('sso-user');
  });

  it('leaves room for a numbered suffix within the username pattern', () => {
    for (const hint of ['a'.repeat(200), `${'Ư'.repeat(80)}@x`, 'nguyen.van.an', 'Đặng Thị Phượng', '...']) {
      const base = usernameFromHint(hint);
      expect(`${base}-1a2b3c4d`).toMatch(USERNAME_PATTERN);
      expect(base).toMatch(USERNAME_PATTERN);
    }
  });
});
