using System;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>C# spellings of spec types, and the expressions that read and write them through Kiota's parse nodes and writers.</summary>
    internal static class TypeSyntax
    {
        public const string Abstractions = "global::Microsoft.Kiota.Abstractions";
        public const string Serialization = "global::Microsoft.Kiota.Abstractions.Serialization";
        public const string Untyped = Serialization + ".UntypedNode";

        public static string ModelsNamespace(GeneratorOptions options) => options.Namespace + ".Models";

        public static string BuildersNamespace(GeneratorOptions options) => options.Namespace + ".RequestBuilders";

        public static string Wire(GeneratorOptions options) => "global::" + options.Namespace + ".Serialization.WireJson";

        /// <summary>The non-nullable C# type.</summary>
        public static string Of(TypeRef type, GeneratorOptions options)
        {
            switch (type.Kind)
            {
                case TypeKind.String: return "string";
                case TypeKind.Int32: return "int";
                case TypeKind.Int64: return "long";
                case TypeKind.Double: return "double";
                case TypeKind.Boolean: return "bool";
                case TypeKind.Bytes: return "byte[]";
                case TypeKind.DateTime: return "global::System.DateTimeOffset";
                case TypeKind.Untyped: return Untyped;
                case TypeKind.Model:
                case TypeKind.Enum: return "global::" + ModelsNamespace(options) + "." + type.Name;
                case TypeKind.Array: return "global::System.Collections.Generic.List<" + Of(type.Element!, options) + ">";
                case TypeKind.Map: return "global::System.Collections.Generic.IDictionary<string, " + Of(type.Element!, options) + ">";
                case TypeKind.Stream: return "global::System.IO.Stream";
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        public static string Nullable(TypeRef type, GeneratorOptions options) => Of(type, options) + "?";

        public static bool IsValueType(TypeRef type) =>
            type.Kind == TypeKind.Int32 || type.Kind == TypeKind.Int64 || type.Kind == TypeKind.Double ||
            type.Kind == TypeKind.Boolean || type.Kind == TypeKind.DateTime || type.Kind == TypeKind.Enum;

        /// <summary>An expression of the nullable type that reads a value from the parse node named <paramref name="node"/>.</summary>
        public static string Read(TypeRef type, string node, GeneratorOptions options)
        {
            var wire = Wire(options);
            switch (type.Kind)
            {
                case TypeKind.String: return node + ".GetStringValue()";
                case TypeKind.Int32: return wire + ".ReadInt32(" + node + ")";
                case TypeKind.Int64: return wire + ".ReadInt64(" + node + ")";
                case TypeKind.Double: return wire + ".ReadDouble(" + node + ")";
                case TypeKind.Boolean: return node + ".GetBoolValue()";
                case TypeKind.Bytes: return node + ".GetByteArrayValue()";
                case TypeKind.DateTime: return node + ".GetDateTimeOffsetValue()";
                case TypeKind.Untyped: return node + ".GetObjectValue<" + Untyped + ">(" + Untyped + ".CreateFromDiscriminatorValue)";
                case TypeKind.Model: return node + ".GetObjectValue<" + Of(type, options) + ">(" + Of(type, options) + ".CreateFromDiscriminatorValue)";
                case TypeKind.Enum: return node + ".GetEnumValue<" + Of(type, options) + ">()";
                case TypeKind.Array:
                    if (type.Element!.Kind == TypeKind.Model || type.Element.Kind == TypeKind.String)
                    {
                        var read = type.Element.Kind == TypeKind.Model
                            ? node + ".GetCollectionOfObjectValues<" + Of(type.Element, options) + ">(" + Of(type.Element, options) + ".CreateFromDiscriminatorValue)"
                            : node + ".GetCollectionOfPrimitiveValues<string>()";
                        return "global::System.Linq.Enumerable.ToList(" + read + ")";
                    }

                    return wire + (IsValueType(type.Element) ? ".ReadValueList<" : ".ReadList<") + Of(type.Element, options) + ">(" + node + ", static x => " + Read(type.Element, "x", options) + ")";
                case TypeKind.Map:
                    return wire + (IsValueType(type.Element!) ? ".ReadValueMap<" : ".ReadMap<") + Of(type.Element!, options) + ">(" + node + ", static x => " + Read(type.Element!, "x", options) + ")";
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        /// <summary>A statement that writes <paramref name="value"/> under <paramref name="key"/> (a C# expression, possibly "null").</summary>
        public static string Write(TypeRef type, string writer, string key, string value, GeneratorOptions options)
        {
            var wire = Wire(options);
            switch (type.Kind)
            {
                case TypeKind.String: return writer + ".WriteStringValue(" + key + ", " + value + ");";
                case TypeKind.Int32: return writer + ".WriteIntValue(" + key + ", " + value + ");";
                case TypeKind.Int64: return writer + ".WriteLongValue(" + key + ", " + value + ");";
                case TypeKind.Double: return wire + ".WriteDouble(" + writer + ", " + key + ", " + value + ");";
                case TypeKind.Boolean: return writer + ".WriteBoolValue(" + key + ", " + value + ");";
                case TypeKind.Bytes: return writer + ".WriteByteArrayValue(" + key + ", " + value + ");";
                case TypeKind.DateTime: return wire + ".WriteTimestamp(" + writer + ", " + key + ", " + value + ");";
                case TypeKind.Untyped: return writer + ".WriteObjectValue<" + Untyped + ">(" + key + ", " + value + ");";
                case TypeKind.Model: return writer + ".WriteObjectValue<" + Of(type, options) + ">(" + key + ", " + value + ");";
                case TypeKind.Enum: return writer + ".WriteEnumValue<" + Of(type, options) + ">(" + key + ", " + value + ");";
                case TypeKind.Array:
                    switch (type.Element!.Kind)
                    {
                        case TypeKind.Model:
                            return writer + ".WriteCollectionOfObjectValues<" + Of(type.Element, options) + ">(" + key + ", " + value + ");";
                        case TypeKind.Untyped:
                            return writer + ".WriteCollectionOfObjectValues<" + Untyped + ">(" + key + ", " + value + ");";
                        case TypeKind.Enum:
                            return wire + ".WriteEnumList<" + Of(type.Element, options) + ">(" + writer + ", " + key + ", " + value + ");";
                        case TypeKind.String:
                        case TypeKind.Int32:
                        case TypeKind.Int64:
                        case TypeKind.Boolean:
                            return writer + ".WriteCollectionOfPrimitiveValues<" + Of(type.Element, options) + ">(" + key + ", " + value + ");";
                        default:
                            return wire + ".WriteList<" + Of(type.Element, options) + ">(" + writer + ", " + key + ", " + value + ", static v => " + ToUntyped(type.Element, "v", options) + ");";
                    }

                case TypeKind.Map:
                    return wire + ".WriteMap<" + Of(type.Element!, options) + ">(" + writer + ", " + key + ", " + value + ", static (w, k, v) => { " + Write(type.Element!, "w", "k", "v", options) + " });";
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        /// <summary>An expression turning a non-null value into an untyped JSON node (used inside arrays, which Kiota writers cannot build element by element).</summary>
        public static string ToUntyped(TypeRef type, string value, GeneratorOptions options)
        {
            var wire = Wire(options);
            switch (type.Kind)
            {
                case TypeKind.String: return "new " + Serialization + ".UntypedString(" + value + ")";
                case TypeKind.Int32: return "new " + Serialization + ".UntypedInteger(" + value + ")";
                case TypeKind.Int64: return "new " + Serialization + ".UntypedLong(" + value + ")";
                case TypeKind.Boolean: return "new " + Serialization + ".UntypedBoolean(" + value + ")";
                case TypeKind.Double: return wire + ".DoubleToUntyped(" + value + ")";
                case TypeKind.Bytes: return "new " + Serialization + ".UntypedString(global::System.Convert.ToBase64String(" + value + "))";
                case TypeKind.DateTime: return "new " + Serialization + ".UntypedString(" + wire + ".FormatTimestamp(" + value + "))";
                case TypeKind.Untyped: return value;
                case TypeKind.Enum: return "new " + Serialization + ".UntypedString(" + wire + ".EnumToWire(" + value + "))";
                case TypeKind.Model: return wire + ".ModelToUntyped(" + value + ")";
                case TypeKind.Array: return wire + ".ListToUntyped<" + Of(type.Element!, options) + ">(" + value + ", static x => " + ToUntyped(type.Element!, "x", options) + ")";
                case TypeKind.Map: return wire + ".MapToUntyped<" + Of(type.Element!, options) + ">(" + value + ", static x => " + ToUntyped(type.Element!, "x", options) + ")";
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }
    }
}
