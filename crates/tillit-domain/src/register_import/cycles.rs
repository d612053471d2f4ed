//! Which rows of a file depend on each other in a circle.

const UNVISITED: usize = usize::MAX;

/// For each node of the graph (`edges[n]`: the nodes `n` depends on), whether it lies on
/// a cycle. Tarjan's strongly connected components, iterative so a long chain of
/// dependencies cannot overflow the stack: a node is on a cycle when its component has
/// more than one node, or it depends on itself.
pub(super) fn on_cycles(edges: &[Vec<usize>]) -> Vec<bool> {
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut cyclic = vec![false; n];
    let mut next = 0;
    // The depth-first walk: a node and the position of the next edge to follow.
    let mut walk: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if index[start] != UNVISITED {
            continue;
        }
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        walk.push((start, 0));
        while let Some((v, position)) = walk.pop() {
            if let Some(&w) = edges[v].get(position) {
                walk.push((v, position + 1));
                if w >= n {
                    continue;
                }
                if index[w] == UNVISITED {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    walk.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 || edges[v].contains(&v) {
                    for w in component {
                        cyclic[w] = true;
                    }
                }
            }
        }
    }
    cyclic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_nodes_on_a_cycle_are_marked() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 depends on it without being on it; 4 on itself.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4], vec![]];
        assert_eq!(
            on_cycles(&edges),
            vec![true, true, true, false, true, false]
        );
    }

    #[test]
    fn a_tree_of_dependencies_has_no_cycle() {
        let edges = vec![vec![1, 2], vec![2], vec![], vec![0, 2]];
        assert_eq!(on_cycles(&edges), vec![false; 4]);
    }

    #[test]
    fn a_long_chain_does_not_overflow_and_a_closing_edge_marks_all() {
        let n = 100_000;
        let mut edges: Vec<Vec<usize>> = (0..n).map(|i| vec![i + 1]).collect();
        edges[n - 1] = Vec::new();
        assert!(on_cycles(&edges).iter().all(|c| !c));
        edges[n - 1] = vec![0];
        assert!(on_cycles(&edges).iter().all(|c| *c));
    }

    #[test]
    fn two_separate_cycles_are_both_found() {
        let edges = vec![vec![1], vec![0], vec![3], vec![2], vec![1]];
        assert_eq!(on_cycles(&edges), vec![true, true, true, true, false]);
    }
}
