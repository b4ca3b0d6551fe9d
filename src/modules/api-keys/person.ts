/**
 * Who a key stands for: the one place that answers "is this the same person?". A key with an
 * owner is that owner (every key with the same owner email is one person); a key without one
 * stands for itself. Separation of duties and notifications go by it. (People signing in
 * with SSO will be persons too, under the same rule: one identity per email.)
 */
export interface Person {
  /** Equal for two keys exactly when they are the same person. */
  id: string;
  /** The owner's name, else the key's. */
  name: string;
  /** Where to reach them, when the key has an owner. */
  email: string | null;
  /** The key this person acts through here. */
  keyId: string;
}

export function personOf(key: {
  id: string;
  name: string;
  ownerName: string | null;
  ownerEmail: string | null;
}): Person {
  if (key.ownerName && key.ownerEmail) {
    const email = key.ownerEmail.toLowerCase();
    return { id: `email:${email}`, name: key.ownerName, email, keyId: key.id };
  }
  return { id: `key:${key.id}`, name: key.name, email: null, keyId: key.id };
}
