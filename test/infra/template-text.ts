/**
 * A template value as text, with its intrinsic functions spelled out: `${Ref}` and `${Id.Attribute}`, and
 * `Fn::Join` joined; anything else as JSON.
 */
export const templateText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(templateText).join(v['Fn::Join'][0]);
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  return JSON.stringify(value);
};
