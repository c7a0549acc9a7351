import { TrieRouter } from '../../src/router/trie-router.ts'
import { routerCases } from './router.case.ts'

routerCases('TrieRouter', () => new TrieRouter<string>())
