import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(10);

  it('stores scrypt parameters and a random salt with the hash', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    expect(a).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('mật khẩu diễn tập');
    await expect(hasher.verify('mật khẩu diễn tập', stored)).resolves.toBe(true);
    await expect(hasher.verify('mat khau dien tap', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('treats composed and decomposed Vietnamese diacritics as the same password', async () => {
    const composed = 'Đà Nẵng-ừ'.normalize('NFC');
    const stored = await hasher.hash(composed);
    await expect(hasher.verify(composed.normalize('NFD'), stored)).resolves.toBe(true);
  });

  it('refuses malformed or absurd stored values instead of throwing', async () => {
    await expect(hasher.verify('x', 'plain-text-password')).resolves.toBe(false);
    await expect(hasher.verify('x', 'scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).resolves.toBe(false);
  });

  it('asks for a re-hash when the configured cost went up', async () => {
    const weak = await hasher.hash('some password');
    expect(hasher.needsRehash(weak)).toBe(false);
    expect(new PasswordHasher(11).needsRehash(weak)).toBe(true);
  });
});
