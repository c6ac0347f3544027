import type { ClockPort, RandomPort } from "../../domain/ports.ts";

export const systemClock: ClockPort = { now: () => new Date() };

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Ids from the OS CSPRNG (Web Crypto: node:crypto would cost every command ~4 ms to load); lowercase base36 so they are easy to type. */
export const systemRandom: RandomPort = {
  random: () => Math.random(),
  id: (length = 8) => {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    let out = "";
    // 252 = 36*7: reject the top bytes so every character is equally likely.
    for (let i = 0; out.length < length; i++) {
      if (i >= bytes.length) return out + systemRandom.id(length - out.length);
      const b = bytes[i] as number;
      if (b < 252) out += ALPHABET[b % 36];
    }
    return out;
  },
};
