using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>C# type names and the read / write statements of a model property, per <see cref="TypeUse"/>.</summary>
    internal static class TypeCode
    {
        public const string Serialization = "global::Microsoft.Kiota.Abstractions.Serialization";
        public const string Abstractions = "global::Microsoft.Kiota.Abstractions";
        public const string Generic = "global::System.Collections.Generic";
        public const string Untyped = Serialization + ".UntypedNode";

        /// <summary>The fixed runtime's reader and writer helpers (<c>src/Mlflow.Client/Runtime/Serialization</c>).</summary>
        public const string WireRead = "global::" + GeneratedNamespaces.Serialization + ".WireRead";

        public const string WireWrite = "global::" + GeneratedNamespaces.Serialization + ".WireWrite";

        /// <summary>A type of the fixed runtime's serialization namespace (<c>WireValue</c>, <c>FieldTable</c>...).</summary>
        public static string Runtime(string name) => "global::" + GeneratedNamespaces.Serialization + "." + name;

        /// <summary>A type at the root of the generated client's namespace (<c>MlflowErrorMapping</c>...).</summary>
        public static string ClientType(string name) => "global::" + GeneratedNamespaces.Client + "." + name;

        /// <summary>The generated model or enum of a component schema.</summary>
        public static string Schema(string schema) => "global::" + GeneratedNamespaces.Models + "." + schema;

        /// <summary>A request builder class.</summary>
        public static string Builder(BuilderRef builder) => "global::" + builder.Namespace + "." + builder.ClassName;

        public static string CsType(TypeUse t)
        {
            switch (t.Kind)
            {
                case UseKind.String: return "string";
                case UseKind.Int32: return "int";
                case UseKind.Int64: return "long";
                case UseKind.Double: return "double";
                case UseKind.Boolean: return "bool";
                case UseKind.Bytes: return "byte[]";
                case UseKind.DateTime: return "global::System.DateTimeOffset";
                case UseKind.Model:
                case UseKind.Enum: return Schema(t.Schema!);
                case UseKind.Array: return Generic + ".List<" + CsType(t.Item!) + ">";
                case UseKind.Map: return Generic + ".Dictionary<string, " + CsType(t.Item!) + ">";
                case UseKind.Stream: return "global::System.IO.Stream";
                default: return Untyped;
            }
        }

        /// <summary>The companion class holding an enum's wire names.</summary>
        public static string EnumWire(TypeUse t) => Schema(t.Schema!) + "WireNames";

        /// <summary>Statements (inside <c>n =&gt; { ... }</c>) that read node <c>n</c> into property <paramref name="prop"/>.</summary>
        public static string Read(TypeUse t, string prop, string wireName)
        {
            const string wr = WireRead;
            var keep = " else " + wr + ".Keep(this, " + Identifiers.Literal(wireName) + ", n);";
            switch (t.Kind)
            {
                case UseKind.String: return "if (" + wr + ".TryString(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Int32: return "if (" + wr + ".TryInt32(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Int64: return "if (" + wr + ".TryInt64(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Double: return "if (" + wr + ".TryDouble(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Boolean: return "if (" + wr + ".TryBoolean(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.DateTime: return "if (" + wr + ".TryDateTime(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Bytes: return "if (" + wr + ".TryBytes(n, out var v)) " + prop + " = v;" + keep;
                case UseKind.Model: return "if (" + wr + ".TryModel<" + CsType(t) + ">(n, " + CsType(t) + ".CreateFromDiscriminatorValue, out var v)) " + prop + " = v;" + keep;
                case UseKind.Enum: return "if (n.GetStringValue() is string s && " + EnumWire(t) + ".TryParse(s, out var v)) " + prop + " = v;" + keep;
                case UseKind.Array:
                    if (t.Item!.Kind == UseKind.Model)
                    {
                        return "if (" + wr + ".TryModelList<" + CsType(t.Item) + ">(n, " + CsType(t.Item) + ".CreateFromDiscriminatorValue, out var v)) " + prop + " = v;" + keep;
                    }

                    return "if (" + wr + ".TryList<" + CsType(t.Item) + ">(n, " + Converter(t.Item, wr) + ", out var v)) " + prop + " = v;" + keep;
                case UseKind.Map:
                    if (t.Item!.Kind == UseKind.Model)
                    {
                        return "if (" + wr + ".TryModelMap<" + CsType(t.Item) + ">(n, " + CsType(t.Item) + ".CreateFromDiscriminatorValue, out var v)) " + prop + " = v;" + keep;
                    }

                    return "if (" + wr + ".TryMap<" + CsType(t.Item) + ">(n, " + Converter(t.Item, wr) + ", out var v)) " + prop + " = v;" + keep;
                default: return prop + " = " + wr + ".Raw(n);";
            }
        }

        private static string Converter(TypeUse item, string wr)
        {
            switch (item.Kind)
            {
                case UseKind.String: return wr + ".String";
                case UseKind.Int32: return wr + ".Int32";
                case UseKind.Int64: return wr + ".Int64";
                case UseKind.Double: return wr + ".Double";
                case UseKind.Boolean: return wr + ".Boolean";
                case UseKind.DateTime: return wr + ".DateTime";
                case UseKind.Bytes: return wr + ".Bytes";
                case UseKind.Enum: return EnumWire(item) + ".TryParse";
                default: return wr + ".Any";
            }
        }

        /// <summary>The statement that writes <paramref name="value"/> under <paramref name="key"/> with writer <paramref name="w"/>.</summary>
        public static string Write(TypeUse t, string w, string key, string value)
        {
            const string ww = WireWrite;
            switch (t.Kind)
            {
                case UseKind.String: return ww + ".String(" + w + ", " + key + ", " + value + ");";
                case UseKind.Int32: return ww + ".Int32(" + w + ", " + key + ", " + value + ");";
                case UseKind.Int64: return ww + ".Int64(" + w + ", " + key + ", " + value + ");";
                case UseKind.Boolean: return ww + ".Boolean(" + w + ", " + key + ", " + value + ");";
                case UseKind.Double: return ww + ".Double(" + w + ", " + key + ", " + value + ");";
                case UseKind.DateTime: return ww + ".DateTime(" + w + ", " + key + ", " + value + ");";
                case UseKind.Bytes: return w + ".WriteByteArrayValue(" + key + ", " + value + ");";
                case UseKind.Model: return ww + ".Object<" + CsType(t) + ">(" + w + ", " + key + ", " + value + ");";
                case UseKind.Enum: return ww + ".String(" + w + ", " + key + ", " + value + ".HasValue ? " + EnumWire(t) + ".ToWire(" + value + ".Value) : null);";
                case UseKind.Array:
                    switch (t.Item!.Kind)
                    {
                        case UseKind.Model:
                            return ww + ".Objects<" + CsType(t.Item) + ">(" + w + ", " + key + ", " + value + ");";
                        case UseKind.Any:
                            return w + ".WriteCollectionOfObjectValues<" + Untyped + ">(" + key + ", " + value + ");";
                        case UseKind.String:
                        case UseKind.Int32:
                        case UseKind.Int64:
                        case UseKind.Boolean:
                            return w + ".WriteCollectionOfPrimitiveValues<" + CsType(t.Item) + ">(" + key + ", " + value + ");";
                        case UseKind.Enum:
                            return ww + ".List<" + CsType(t.Item) + ">(" + w + ", " + key + ", " + value + ", x => " + ww + ".Untyped(" + EnumWire(t.Item) + ".ToWire(x)));";
                        default:
                            return ww + ".List<" + CsType(t.Item) + ">(" + w + ", " + key + ", " + value + ", " + ww + ".Untyped);";
                    }

                case UseKind.Map:
                    var element = t.Item!.Kind == UseKind.Enum
                        ? "mw.WriteStringValue(mk, " + EnumWire(t.Item) + ".ToWire(mv));"
                        : Write(t.Item, "mw", "mk", "mv");
                    return ww + ".Map<" + CsType(t.Item) + ">(" + w + ", " + key + ", " + value + ", (mw, mk, mv) => " + element.TrimEnd(';') + ");";
                default: return w + ".WriteObjectValue<" + Untyped + ">(" + key + ", " + value + ");";
            }
        }
    }
}
