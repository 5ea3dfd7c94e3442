using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Mlflow.Generators.Json
{
    /// <summary>A parsed JSON value. The generator cannot rely on System.Text.Json inside the compiler, so it reads JSON itself.</summary>
    internal abstract class JsonNode
    {
        public int Line { get; set; }

        public int Column { get; set; }
    }

    internal sealed class JsonObject : JsonNode
    {
        private readonly Dictionary<string, JsonNode> _byName = new Dictionary<string, JsonNode>(StringComparer.Ordinal);

        public List<KeyValuePair<string, JsonNode>> Properties { get; } = new List<KeyValuePair<string, JsonNode>>();

        public void Add(string name, JsonNode value)
        {
            if (_byName.ContainsKey(name))
            {
                // Last one wins, as in most JSON readers; keep the order of the first occurrence.
                _byName[name] = value;
                for (var i = 0; i < Properties.Count; i++)
                {
                    if (Properties[i].Key == name)
                    {
                        Properties[i] = new KeyValuePair<string, JsonNode>(name, value);
                    }
                }

                return;
            }

            _byName.Add(name, value);
            Properties.Add(new KeyValuePair<string, JsonNode>(name, value));
        }

        public JsonNode? Get(string name) => _byName.TryGetValue(name, out var value) ? value : null;

        public JsonObject? GetObject(string name) => Get(name) as JsonObject;

        public JsonArray? GetArray(string name) => Get(name) as JsonArray;

        public string? GetString(string name) => (Get(name) as JsonString)?.Value;

        public bool GetBool(string name) => Get(name) is JsonBool b && b.Value;
    }

    internal sealed class JsonArray : JsonNode
    {
        public List<JsonNode> Items { get; } = new List<JsonNode>();
    }

    internal sealed class JsonString : JsonNode
    {
        public JsonString(string value) => Value = value;

        public string Value { get; }
    }

    internal sealed class JsonNumber : JsonNode
    {
        public JsonNumber(string raw) => Raw = raw;

        public string Raw { get; }
    }

    internal sealed class JsonBool : JsonNode
    {
        public JsonBool(bool value) => Value = value;

        public bool Value { get; }
    }

    internal sealed class JsonNull : JsonNode
    {
    }

    /// <summary>Thrown for malformed JSON; carries the 1-based line and column.</summary>
    internal sealed class JsonReadException : Exception
    {
        public JsonReadException(string message, int line, int column)
            : base(message)
        {
            Line = line;
            Column = column;
        }

        public int Line { get; }

        public int Column { get; }
    }

    /// <summary>A small strict JSON reader (RFC 8259) that records where each value starts.</summary>
    internal sealed class JsonReader
    {
        private readonly string _text;
        private int _pos;
        private int _line = 1;
        private int _lineStart;

        private JsonReader(string text) => _text = text;

        public static JsonNode Parse(string text)
        {
            var reader = new JsonReader(text);
            reader.SkipWhitespace();
            var value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader._pos != text.Length)
            {
                throw reader.Error("unexpected text after the JSON value");
            }

            return value;
        }

        private JsonReadException Error(string message) => new JsonReadException(message, _line, _pos - _lineStart + 1);

        private void SkipWhitespace()
        {
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '\n')
                {
                    _pos++;
                    _line++;
                    _lineStart = _pos;
                }
                else if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF')
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
        }

        private JsonNode ReadValue(int depth)
        {
            if (depth > 256)
            {
                throw Error("JSON nested too deeply");
            }

            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of the text");
            }

            var line = _line;
            var column = _pos - _lineStart + 1;
            JsonNode node;
            var c = _text[_pos];
            switch (c)
            {
                case '{':
                    node = ReadObject(depth);
                    break;
                case '[':
                    node = ReadArray(depth);
                    break;
                case '"':
                    node = new JsonString(ReadString());
                    break;
                case 't':
                    Expect("true");
                    node = new JsonBool(true);
                    break;
                case 'f':
                    Expect("false");
                    node = new JsonBool(false);
                    break;
                case 'n':
                    Expect("null");
                    node = new JsonNull();
                    break;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        node = new JsonNumber(ReadNumber());
                        break;
                    }

                    throw Error("unexpected character '" + c + "'");
            }

            node.Line = line;
            node.Column = column;
            return node;
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
            {
                throw Error("expected '" + word + "'");
            }

            _pos += word.Length;
        }

        private JsonObject ReadObject(int depth)
        {
            var obj = new JsonObject();
            _pos++;
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == '}')
            {
                _pos++;
                return obj;
            }

            while (true)
            {
                SkipWhitespace();
                if (_pos >= _text.Length || _text[_pos] != '"')
                {
                    throw Error("expected a property name");
                }

                var name = ReadString();
                SkipWhitespace();
                if (_pos >= _text.Length || _text[_pos] != ':')
                {
                    throw Error("expected ':'");
                }

                _pos++;
                SkipWhitespace();
                obj.Add(name, ReadValue(depth + 1));
                SkipWhitespace();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }

                if (_pos < _text.Length && _text[_pos] == '}')
                {
                    _pos++;
                    return obj;
                }

                throw Error("expected ',' or '}'");
            }
        }

        private JsonArray ReadArray(int depth)
        {
            var array = new JsonArray();
            _pos++;
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == ']')
            {
                _pos++;
                return array;
            }

            while (true)
            {
                SkipWhitespace();
                array.Items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }

                if (_pos < _text.Length && _text[_pos] == ']')
                {
                    _pos++;
                    return array;
                }

                throw Error("expected ',' or ']'");
            }
        }

        private string ReadString()
        {
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw Error("unterminated string");
                }

                var c = _text[_pos++];
                if (c == '"')
                {
                    return sb.ToString();
                }

                if (c == '\\')
                {
                    if (_pos >= _text.Length)
                    {
                        throw Error("unterminated escape");
                    }

                    var e = _text[_pos++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (_pos + 4 > _text.Length ||
                                !int.TryParse(_text.Substring(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                            {
                                throw Error("bad \\u escape");
                            }

                            sb.Append((char)code);
                            _pos += 4;
                            break;
                        default:
                            throw Error("bad escape '\\" + e + "'");
                    }
                }
                else if (c < ' ')
                {
                    throw Error("control character in a string");
                }
                else
                {
                    sb.Append(c);
                }
            }
        }

        private string ReadNumber()
        {
            var start = _pos;
            if (_text[_pos] == '-')
            {
                _pos++;
            }

            var digits = 0;
            while (_pos < _text.Length && char.IsDigit(_text[_pos]))
            {
                _pos++;
                digits++;
            }

            if (digits == 0)
            {
                throw Error("bad number");
            }

            if (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                while (_pos < _text.Length && char.IsDigit(_text[_pos]))
                {
                    _pos++;
                }
            }

            if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
            {
                _pos++;
                if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
                {
                    _pos++;
                }

                while (_pos < _text.Length && char.IsDigit(_text[_pos]))
                {
                    _pos++;
                }
            }

            return _text.Substring(start, _pos - start);
        }
    }
}
