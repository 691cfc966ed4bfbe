import { MIN_PASSWORD_LENGTH, passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('refuses short passwords, with no composition rules', () => {
    expect(passwordProblem('Tr0ub4dor&3')).toMatch(/at least 12/);
    expect(MIN_PASSWORD_LENGTH).toBeGreaterThanOrEqual(12);
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('mây trắng bay qua đồi')).toBeNull();
  });

  it('refuses common and breached passwords, also with digits or symbols around them', () => {
    expect(passwordProblem('password1234')).toMatch(/common/);
    expect(passwordProblem('123456789012')).not.toBeNull();
    expect(passwordProblem('1234567890!!')).not.toBeNull();
    expect(passwordProblem('iloveyou2024!')).toMatch(/common/);
  });

  it('refuses repeated and sequential passwords', () => {
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordProblem('abcabcabcabc')).toMatch(/repeated/);
    expect(passwordProblem('abcdefghijklm')).toMatch(/sequence/);
    expect(passwordProblem('qwertyuiopas')).toMatch(/sequence/);
    expect(passwordProblem('9876543210987')).not.toBeNull();
  });

  it('refuses a password that contains the username', () => {
    expect(passwordProblem('trainee1-rat-kho-doan', { username: 'trainee1' })).toMatch(/username/);
    expect(passwordProblem('rat-kho-doan-2026', { username: 'trainee1' })).toBeNull();
  });
});
