using System.Globalization;
using System.Text;

namespace Mlflow.Generators.Helpers
{
    /// <summary>
    /// Double-quoted text that is both a C# regular string literal and a JSON string: quotes, backslashes, control
    /// characters and the characters C# counts as line breaks (U+0085, U+2028, U+2029) are escaped.
    /// </summary>
    internal static class Quoted
    {
        public static StringBuilder Append(StringBuilder sb, string text)
        {
            sb.Append('"');
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
                        if (c < ' ' || c == '\u0085' || c == '\u2028' || c == '\u2029')
                        {
                            sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"');
        }
    }
}
