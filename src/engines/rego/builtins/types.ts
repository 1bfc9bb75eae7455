/** Type tests (v1/topdown/type.go, type_name.go): false, not undefined, for other types. */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, isArray, typeName } from '../values/value.ts';
import { builtin } from './registry.ts';

builtin('is_number', ['any'], 'boolean', ([x]) => x instanceof RegoNumber);
builtin('is_string', ['any'], 'boolean', ([x]) => typeof x === 'string');
builtin('is_boolean', ['any'], 'boolean', ([x]) => typeof x === 'boolean');
builtin('is_array', ['any'], 'boolean', ([x]) => isArray(x));
builtin('is_set', ['any'], 'boolean', ([x]) => x instanceof RegoSet);
builtin('is_object', ['any'], 'boolean', ([x]) => x instanceof RegoObject);
builtin('is_null', ['any'], 'boolean', ([x]) => x === null);
builtin('type_name', ['any'], 'string', ([x]) => typeName(x!));
