using System.Globalization;
using System.Text;
using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Json
{
    /// <summary>Writes a <see cref="JsonNode"/> back as compact JSON text (for extension values and examples).</summary>
    internal static class JsonText
    {
        public static string Write(JsonNode node)
        {
            var sb = new StringBuilder();
            Write(node, sb);
            return sb.ToString();
        }

        private static void Write(JsonNode node, StringBuilder sb)
        {
            switch (node)
            {
                case JsonObject obj:
                    sb.Append('{');
                    for (var i = 0; i < obj.Properties.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        Quoted.Append(sb, obj.Properties[i].Key);
                        sb.Append(':');
                        Write(obj.Properties[i].Value, sb);
                    }

                    sb.Append('}');
                    break;
                case JsonArray array:
                    sb.Append('[');
                    for (var i = 0; i < array.Items.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        Write(array.Items[i], sb);
                    }

                    sb.Append(']');
                    break;
                case JsonString s:
                    Quoted.Append(sb, s.Value);
                    break;
                case JsonNumber n:
                    sb.Append(n.Raw);
                    break;
                case JsonBool b:
                    sb.Append(b.Value ? "true" : "false");
                    break;
                default:
                    sb.Append("null");
                    break;
            }
        }
    }
}
