using System.Collections.Generic;
using System.Text;

namespace Mlflow.Generators.Helpers
{
    /// <summary>Turns wire names into C# identifiers.</summary>
    internal static class Naming
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

        /// <summary>"run_ids" -> "RunIds", "mlflow-artifacts" -> "MlflowArtifacts", "2.0" -> "V20", "generateContent" -> "GenerateContent".</summary>
        public static string Pascal(string name, string digitPrefix = "V")
        {
            var sb = new StringBuilder(name.Length);
            var upper = true;
            foreach (var c in name)
            {
                if (char.IsLetterOrDigit(c) && c < 128)
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
                return "Empty";
            }

            // ALL_CAPS words (enum names such as MODEL_VERSION) read better as ModelVersion.
            var text = sb.ToString();
            if (IsAllCaps(name))
            {
                text = Pascal(name.ToLowerInvariant(), digitPrefix);
            }

            if (char.IsDigit(text[0]))
            {
                text = digitPrefix + text;
            }

            return text;
        }

        /// <summary>lowerCamel identifier for parameters, escaped when it is a keyword.</summary>
        public static string Camel(string name)
        {
            var pascal = Pascal(name, "p");
            var camel = char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
            return Keywords.Contains(camel) ? "@" + camel : camel;
        }

        private static bool IsAllCaps(string name)
        {
            var hasLetter = false;
            foreach (var c in name)
            {
                if (char.IsLetter(c))
                {
                    hasLetter = true;
                    if (char.IsLower(c))
                    {
                        return false;
                    }
                }
            }

            return hasLetter && name.Length > 1;
        }

        /// <summary>Makes a name unique within a scope by appending a number.</summary>
        public static string Unique(string name, HashSet<string> taken)
        {
            var candidate = name;
            var i = 2;
            while (!taken.Add(candidate))
            {
                candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                i++;
            }

            return candidate;
        }

        /// <summary>Percent-encodes the characters an RFC 6570 variable name may not hold.</summary>
        public static string TemplateVariable(string name)
        {
            var sb = new StringBuilder();
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
                        sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
            }

            return sb.ToString();
        }

        /// <summary>Escapes text for an XML doc comment.</summary>
        public static string Xml(string text) =>
            text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>A C# string literal.</summary>
        public static string Literal(string text)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < ' ')
                        {
                            sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }
    }
}
