using System.Collections.Generic;
using System.Text;

namespace Mlflow.Generators.Helpers
{
    /// <summary>
    /// Deterministic rules that turn wire names (path segments, field names, enum values) into C# identifiers.
    /// </summary>
    /// <remarks>
    /// Words are split on every character that is not an ASCII letter or digit and on lower-to-upper case changes
    /// is NOT done (so <c>generateContent</c> stays <c>GenerateContent</c> and <c>batchGet</c> <c>BatchGet</c>):
    /// <list type="bullet">
    /// <item><c>run_ids</c> -&gt; <c>RunIds</c>, <c>mlflow-artifacts</c> -&gt; <c>MlflowArtifacts</c>, <c>get-history</c> -&gt; <c>GetHistory</c></item>
    /// <item>a name starting with a digit gets a prefix: <c>2.0</c> -&gt; <c>V20</c> (segments), <c>Value2</c> (enum members)</item>
    /// <item>ALL_CAPS names are read as words: <c>MODEL_VERSION</c> -&gt; <c>ModelVersion</c></item>
    /// <item><c>trace-location:link</c> -&gt; <c>TraceLocationLink</c></item>
    /// </list>
    /// </remarks>
    internal static class Identifiers
    {
        private static readonly HashSet<string> Keywords = new HashSet<string>
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
            "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
            "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
            "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
            "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
            "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
            "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        };

        /// <summary>PascalCase identifier; <paramref name="digitPrefix"/> is put before a leading digit.</summary>
        public static string Pascal(string name, string digitPrefix = "V")
        {
            var source = IsAllCaps(name) ? name.ToLowerInvariant() : name;
            var sb = new StringBuilder(source.Length + 1);
            var upper = true;
            foreach (var c in source)
            {
                if (c < 128 && char.IsLetterOrDigit(c))
                {
                    sb.Append(upper ? char.ToUpperInvariant(c) : c);
                    upper = false;
                }
                else
                {
                    upper = true;
                }
            }

            if (sb.Length == 0)
            {
                return digitPrefix.Length > 0 ? digitPrefix : "Empty";
            }

            if (char.IsDigit(sb[0]))
            {
                sb.Insert(0, digitPrefix);
            }

            return sb.ToString();
        }

        /// <summary>camelCase identifier, escaped with <c>@</c> when it is a C# keyword.</summary>
        public static string Camel(string name)
        {
            var pascal = Pascal(name, "p");
            var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            return Keywords.Contains(camel) ? "@" + camel : camel;
        }

        /// <summary>True when the name has letters and none of them is lower case.</summary>
        public static bool IsAllCaps(string name)
        {
            var letters = false;
            foreach (var c in name)
            {
                if (char.IsLower(c))
                {
                    return false;
                }

                letters |= char.IsLetter(c);
            }

            return letters;
        }

        /// <summary>
        /// A name usable as an RFC 6570 variable: characters other than ASCII letters, digits and '_' are
        /// percent-encoded, as Kiota does (<c>trace_location.id</c> -&gt; <c>trace_location%2Eid</c>).
        /// </summary>
        public static string UriTemplateVariable(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
                {
                    sb.Append(c);
                }
                else
                {
                    foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                    {
                        sb.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            return sb.ToString();
        }

        /// <summary>Returns <paramref name="candidate"/>, or it with the first free numeric suffix (2, 3, ...).</summary>
        public static string Unique(string candidate, ISet<string> taken)
        {
            var name = candidate;
            for (var i = 2; taken.Contains(name); i++)
            {
                name = candidate + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(name);
            return name;
        }

        /// <summary>Escapes text for an XML doc comment.</summary>
        /// <summary>True for a plain C# identifier (ASCII letters, digits and underscores, not starting with a digit).</summary>
        public static bool IsIdentifier(string text)
        {
            if (string.IsNullOrEmpty(text) || char.IsDigit(text[0]))
            {
                return false;
            }

            foreach (var c in text)
            {
                if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Text for one line of an XML doc comment: markup characters escaped, and line breaks (including the ones
        /// C# alone counts as such: U+0085, U+2028, U+2029) made spaces, so that the comment cannot end early.
        /// </summary>
        public static string Xml(string text)
        {
            var escaped = text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
            return escaped.IndexOfAny(LineBreaks) < 0 ? escaped : string.Join(" ", escaped.Split(LineBreaks));
        }

        private static readonly char[] LineBreaks = { '\r', '\n', '\u0085', '\u2028', '\u2029' };

        /// <summary>A C# string literal.</summary>
        public static string Literal(string text) => Quoted.Append(new StringBuilder(text.Length + 2), text).ToString();
    }
}
