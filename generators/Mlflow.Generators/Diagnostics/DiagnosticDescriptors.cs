using Microsoft.CodeAnalysis;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Diagnostics
{
    /// <summary>
    /// The generator's diagnostics (prefix <c>MLFG</c>). Every message names the spec file and the JSON pointer of
    /// the node at fault; the location points at its line and column in the additional file.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        public const string InvalidJsonId = "MLFG001";
        public const string UnsupportedId = "MLFG002";
        public const string UnresolvedReferenceId = "MLFG003";
        public const string MissingOperationIdId = "MLFG004";
        public const string DuplicateOperationIdId = "MLFG005";
        public const string UnsupportedParameterId = "MLFG006";
        public const string UnsupportedBodyId = "MLFG007";
        public const string InternalErrorId = "MLFG099";
        public const string UnionAsUntypedId = "MLFG100";
        public const string UnknownExtensionId = "MLFG101";
        public const string FacadeInvalidId = "MLFG200";
        public const string FacadeUnknownOperationId = "MLFG201";
        public const string FacadeUnknownFieldId = "MLFG202";
        public const string FacadeDuplicateId = "MLFG203";
        public const string FacadeUndescribedId = "MLFG210";
        public const string FacadeAbsentInSpecId = "MLFG211";
        public const string FacadeAppendedFieldId = "MLFG212";

        private const string Category = "Mlflow.Generators";

        public static readonly DiagnosticDescriptor InvalidJson = Error(InvalidJsonId, "The OpenAPI file is not valid JSON");
        public static readonly DiagnosticDescriptor Unsupported = Error(UnsupportedId, "The OpenAPI file uses a construct the generator does not support");
        public static readonly DiagnosticDescriptor UnresolvedReference = Error(UnresolvedReferenceId, "A $ref in the OpenAPI file cannot be resolved");
        public static readonly DiagnosticDescriptor MissingOperationId = Error(MissingOperationIdId, "An operation has no operationId");
        public static readonly DiagnosticDescriptor DuplicateOperationId = Error(DuplicateOperationIdId, "Two operations share an operationId");
        public static readonly DiagnosticDescriptor UnsupportedParameter = Error(UnsupportedParameterId, "A parameter cannot be expressed in a Kiota request builder");
        public static readonly DiagnosticDescriptor UnsupportedBody = Error(UnsupportedBodyId, "A request or response body cannot be expressed in a Kiota request builder");
        public static readonly DiagnosticDescriptor InternalError = Error(InternalErrorId, "The MLflow client generator failed");

        public static readonly DiagnosticDescriptor UnionAsUntyped = new DiagnosticDescriptor(
            UnionAsUntypedId,
            "A union schema is read as UntypedNode",
            "{0}: {1}: {2}",
            Category,
            DiagnosticSeverity.Info,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UnknownExtension = Info(UnknownExtensionId, "The OpenAPI file carries an x-mlflow-* extension the generator does not read; ignored");

        public static readonly DiagnosticDescriptor FacadeInvalid = Error(FacadeInvalidId, "The facade description is malformed");
        public static readonly DiagnosticDescriptor FacadeUnknownOperation = Error(FacadeUnknownOperationId, "A facade description entry names an operation the spec does not have");
        public static readonly DiagnosticDescriptor FacadeUnknownField = Error(FacadeUnknownFieldId, "A facade description entry names a field its operation does not have, or cannot be applied");
        public static readonly DiagnosticDescriptor FacadeDuplicate = Error(FacadeDuplicateId, "Two facade methods have the same name on one client");
        public static readonly DiagnosticDescriptor FacadeUndescribed = Info(FacadeUndescribedId, "An operation has no facade description entry; its method follows the fallback rules");
        public static readonly DiagnosticDescriptor FacadeAbsentInSpec = Info(FacadeAbsentInSpecId, "A facade description entry names an operation or field absent from this (older) spec; skipped");
        public static readonly DiagnosticDescriptor FacadeAppendedField = Info(FacadeAppendedFieldId, "A wire field is not in its method's description; appended as an optional parameter");

        private static DiagnosticDescriptor Info(string id, string title) =>
            new DiagnosticDescriptor(id, title, "{0}: {1}: {2}", Category, DiagnosticSeverity.Info, isEnabledByDefault: true);

        private static DiagnosticDescriptor Error(string id, string title) =>
            new DiagnosticDescriptor(id, title, "{0}: {1}: {2}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        /// <summary>The descriptor for a diagnostic id.</summary>
        public static DiagnosticDescriptor For(string id)
        {
            switch (id)
            {
                case InvalidJsonId: return InvalidJson;
                case UnsupportedId: return Unsupported;
                case UnresolvedReferenceId: return UnresolvedReference;
                case MissingOperationIdId: return MissingOperationId;
                case DuplicateOperationIdId: return DuplicateOperationId;
                case UnsupportedParameterId: return UnsupportedParameter;
                case UnsupportedBodyId: return UnsupportedBody;
                case UnionAsUntypedId: return UnionAsUntyped;
                case UnknownExtensionId: return UnknownExtension;
                case FacadeInvalidId: return FacadeInvalid;
                case FacadeUnknownOperationId: return FacadeUnknownOperation;
                case FacadeUnknownFieldId: return FacadeUnknownField;
                case FacadeDuplicateId: return FacadeDuplicate;
                case FacadeUndescribedId: return FacadeUndescribed;
                case FacadeAbsentInSpecId: return FacadeAbsentInSpec;
                case FacadeAppendedFieldId: return FacadeAppendedField;
                default: return InternalError;
            }
        }

        /// <summary>Turns the pipeline value into a Roslyn diagnostic located in the additional file.</summary>
        public static Diagnostic ToDiagnostic(DiagnosticInfo info)
        {
            var line = System.Math.Max(0, info.Line - 1);
            var column = System.Math.Max(0, info.Column - 1);
            var span = new Microsoft.CodeAnalysis.Text.LinePositionSpan(
                new Microsoft.CodeAnalysis.Text.LinePosition(line, column),
                new Microsoft.CodeAnalysis.Text.LinePosition(line, column + 1));
            var location = Location.Create(info.FilePath, default, span);
            var pointer = info.Pointer.Length == 0 ? "#" : "#" + info.Pointer;
            return Diagnostic.Create(For(info.Id), location, info.FilePath, pointer, info.Message);
        }
    }
}
