/**
 * A notification as terminal escape sequences: OSC 9 (iTerm2, WezTerm, kitty, Windows
 * Terminal, ghostty) and OSC 777 `notify` (VTE terminals, foot, rxvt). A terminal that
 * knows neither ignores both. Text from a session (its name, an agent's message) is
 * stripped of control characters first: it must never end the sequence early and smuggle
 * in one of its own.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESC = "\u001b";
const BEL = "\u0007";

export const plainText = (text: string): string => text.replace(CONTROL, " ").trim();

export function terminalNotification(title: string, body: string): string {
  const t = plainText(title);
  // OSC 777's fields are ';'-separated: a ';' in the title would start the body.
  const t777 = t.replaceAll(";", ",");
  const b = plainText(body);
  return `${ESC}]9;${t}: ${b}${BEL}${ESC}]777;notify;${t777};${b}${BEL}`;
}
