import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mnsErrors } from './errors.js';

export const MNS_XML_NAMESPACE = 'http://mns.aliyuncs.com/doc/v1/';

/** A parsed element: its child elements in order and its text (entities decoded, CDATA verbatim). */
export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

type OrderedNode = Record<string, OrderedNode[] | string>;

// preserveOrder keeps text and CDATA runs in document order; entities are decoded here rather than by
// the parser so that unknown entities are refused and CDATA stays verbatim.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
});

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Characters XML 1.0 forbids; a body carrying them could never be returned as parseable XML.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching these control characters is the point.
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Parses a request body; anything not well-formed (an SDK's raw `&` or `<`) is `400 MalformedXML`. */
export function parseXml(source: string): XmlElement {
  if (FORBIDDEN_CHARACTERS.test(source) || XMLValidator.validate(source) !== true) {
    throw mnsErrors.malformedXml();
  }
  const roots = (parser.parse(source) as OrderedNode[]).map(toElement).filter((node) => node !== undefined);
  const [root] = roots;
  if (root === undefined || roots.length > 1) throw mnsErrors.malformedXml();
  return root;
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => !key.startsWith('#') && !key.startsWith(':'));
  if (name === undefined) return undefined;
  const element: XmlElement = { name, text: '', children: [] };
  for (const child of node[name] as OrderedNode[]) {
    if (typeof child['#text'] === 'string') element.text += decodeEntities(child['#text']);
    else if (Array.isArray(child['#cdata'])) element.text += cdataText(child['#cdata']);
    else {
      const nested = toElement(child);
      if (nested) element.children.push(nested);
    }
  }
  return element;
}

function cdataText(nodes: OrderedNode[]): string {
  return nodes.map((node) => (typeof node['#text'] === 'string' ? node['#text'] : '')).join('');
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const decoded = text.replace(/&([^;&\s]*);?/g, (match, entity: string) => {
    if (!match.endsWith(';')) throw mnsErrors.malformedXml();
    const named = NAMED_ENTITIES[entity];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-f]+$/i.test(entity)
      ? Number.parseInt(entity.slice(2), 16)
      : /^#\d+$/.test(entity)
        ? Number.parseInt(entity.slice(1), 10)
        : Number.NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) throw mnsErrors.malformedXml();
    return String.fromCodePoint(code);
  });
  if (FORBIDDEN_CHARACTERS.test(decoded)) throw mnsErrors.malformedXml();
  return decoded;
}

export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return childElement(element, name)?.text;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (char) => ESCAPES[char] ?? char);
}

/** `<Name>value</Name>` for each defined field, in the given order, values escaped. */
export function xmlFields(fields: Record<string, string | number | undefined>): string {
  let xml = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) xml += `<${name}>${escapeXml(String(value))}</${name}>`;
  }
  return xml;
}

/** A response document: declaration plus a root in the MNS namespace wrapping already-built XML. */
export function xmlDocument(root: string, innerXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${MNS_XML_NAMESPACE}">${innerXml}</${root}>`;
}
