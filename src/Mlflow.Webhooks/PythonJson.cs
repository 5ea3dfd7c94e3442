using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// Writes JSON the way Python's <c>json.dumps</c> does with its defaults, as MLflow does for deliveries:
/// <c>", "</c> and <c>": "</c> separators, ASCII-only output (<c>\uXXXX</c>, lower-case hex), members in order.
/// Numbers are written as their JSON text.
/// </summary>
internal static class PythonJson
{
    public static void WriteValue(StringBuilder output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var firstMember = true;
                foreach (var property in value.EnumerateObject())
                {
                    if (!firstMember)
                    {
                        output.Append(", ");
                    }

                    firstMember = false;
                    WriteString(output, property.Name);
                    output.Append(": ");
                    WriteValue(output, property.Value);
                }

                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        output.Append(", ");
                    }

                    firstItem = false;
                    WriteValue(output, item);
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                output.Append(value.GetRawText());
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Null:
                output.Append("null");
                break;
            default:
                throw new ArgumentException("The JSON value is undefined.", nameof(value));
        }
    }

    public static void WriteString(StringBuilder output, string value)
    {
        output.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        // Python escapes every UTF-16 unit outside ' '..'~' (DEL and surrogate halves included).
                        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }
}
